"""An error that reaches Flask's default handler is logged without the SQL statement's parameters."""
from __future__ import annotations

import logging
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

SECRET = "Ufeedfacefeedfacefeedfacefeedface-search-term"


def test_a_database_error_logs_no_parameters(app, caplog):
    rt = app.extensions["bot"]
    caplog.set_level(logging.ERROR)
    with app.test_request_context("/console/members?q=x"):
        with pytest.raises(DBAPIError) as info:
            with rt.db.session() as s:
                s.execute(text("select * from no_such_table where name = :q"), {"q": SECRET})
        try:
            raise info.value
        except DBAPIError:
            app.log_exception(sys.exc_info())  # what Flask does with an unhandled error
    assert "no_such_table" in caplog.text  # the error itself is there...
    assert SECRET not in caplog.text  # ...its values are not
    assert SECRET not in str(info.value)
