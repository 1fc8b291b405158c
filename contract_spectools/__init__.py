"""Tools that judge a spec rather than an implementation: `contract lint` and `contract diff`."""
