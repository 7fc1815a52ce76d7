"""The renderer's base error, in its own module so that fonts.py and pdf.py can both use it."""


class CertificateRenderError(Exception):
    """A certificate could not be rendered (bad template, refused resource, missing font).

    Issuing treats it as temporary: the completion is kept and the certificate is issued by
    the retry; a re-issue reports it to the user and changes nothing.
    """
