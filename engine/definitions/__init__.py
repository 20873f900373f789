"""Process definitions: parsing, lint, dialects, deployment, versions, diff, scenarios."""
