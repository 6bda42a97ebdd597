# Filled by this app's own issue; see README.md "Where the regulation lives".
