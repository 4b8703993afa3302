"""Upstream drift: what changed between two versions of a spec, what that breaks for a
client's importers, which overlays stopped applying; and the update that follows."""
