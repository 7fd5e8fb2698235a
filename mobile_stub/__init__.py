"""The mobile-first web client (static HTML, CSS and ES modules) and the blueprint serving it."""
