"""Client side of the sync protocol (DESIGN §5).

protocol.py is the wire contract shared with central/; engine.py runs one sync, scheduler.py
runs it on a timer.
"""
