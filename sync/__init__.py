"""Station ↔ hub synchronisation: the protocol and the station's client."""
