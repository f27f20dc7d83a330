"""The plugin's tables. One ``0001_initial`` until the first release; from
then on, one migration per change (``make lint`` checks none is missing)."""
