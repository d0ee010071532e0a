"""A local fake of the LINE platform: Messaging API, webhook sender and a browser chat page.

Start it with ``python -m simulator``; use ``simulator.testing.running_simulator`` in tests.
"""
