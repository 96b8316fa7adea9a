"""Developer scripts (generators); never imported at run time."""
