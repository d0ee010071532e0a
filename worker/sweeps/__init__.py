"""The worker's sweeps, one module each, named for what it does; each is `run(rt, now) -> summary`.

A sweep is one idempotent pass over the database as of `now` (a second run changes nothing), in
units of work of its own (`rt.db.run`); `rt.clock` agrees with `now`. worker/schedule.py lists them
with their intervals.
"""
