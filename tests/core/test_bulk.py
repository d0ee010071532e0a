"""core/bulk.py's `nth_of`: the rows of one statement each take their own string of a list handed
over as one parameter."""
from __future__ import annotations

import pytest
from sqlalchemy import func, literal, select

from core.bulk import nth_of
from rewards.codes import random_codes


def test_each_row_takes_the_string_at_its_number(db):
    codes = random_codes(3000, 12)
    with db.session() as s:
        numbers = select(func.row_number().over(order_by=literal(1)).label("n")).select_from(
            func.json_each(literal("[" + ",".join(["0"] * 3000) + "]")).table_valued("value")
        ).subquery() if db.engine.dialect.name == "sqlite" else \
            select(func.generate_series(1, 3000).label("n")).subquery()
        taken = s.execute(select(numbers.c.n, nth_of(s, codes, numbers.c.n)).order_by(numbers.c.n)).all()
    assert [code for _, code in taken] == codes


def test_strings_of_other_lengths_are_refused(db):
    with db.session() as s, pytest.raises(ValueError):
        nth_of(s, ["ABC", "ABCD"], literal(1))
