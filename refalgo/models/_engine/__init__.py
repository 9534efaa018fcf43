"""The models chapter's machinery, imported only by its concept modules."""
