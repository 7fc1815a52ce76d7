"""Certificates: rendering, issuing and verification of course certificates."""
