"""Chain of custody: tags, manifests, the tamper-evident event chain, mass balance."""
