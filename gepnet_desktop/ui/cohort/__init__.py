"""The cohort view: the clinic's figures over the whole database, computed on a worker."""
