"""`make bench`: the tutor's performance figures on this machine (see bench/run.py)."""
