"""Client side of the sync protocol (ARCHITECTURE §7).

The wire contract shared with central/ is the `wire` package; engine.py runs one sync, scheduler.py
runs it on a timer.
"""
