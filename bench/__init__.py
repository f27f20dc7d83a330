"""`make bench`: the performance figures of BRIEF section 6, as ratios."""
