"""The command line ``shmap`` and the OGC API – Features service it starts."""
