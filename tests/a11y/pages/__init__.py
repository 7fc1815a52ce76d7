"""Rows of the accessibility sweep, one module per feature (the machinery: tests/a11y/sweep.py).

A new page joins the sweep with a row in its feature's module here (create the module if it is
the feature's first page)::

    from tests.a11y.sweep import EMPTY, FILLED, Row, State, submit

    def my_setup(data: dict) -> dict:          # runs once, in the live app's context
        thing = services.create_thing(owner_id=data["learner_id"])
        return {"thing_id": thing.id}          # merged into data for every row

    ROWS = [
        Row("things.detail", "/things/{thing_id}", role="learner", setup=my_setup, states=(
            FILLED,
            State("error", act=submit({"name": ""}), status=400, errors=True),
            State("success", act=submit({"name": "Šūpoles"})),
        )),
    ]
    EXEMPT = {"things.download": "a PDF file, not a page"}

Roles: None (visitor), "learner", "trainer", "coordinator", "admin", or any account a setup adds
as data["<name>_email"] (password tests.conftest.PASSWORD). Run one feature's rows while fixing:
``A11Y_ONLY=things .venv/bin/pytest tests/a11y/test_sweep.py -k lv``.
"""
