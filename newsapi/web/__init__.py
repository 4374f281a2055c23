"""The public web edition: pages, sitemaps, feeds and the app-link files."""
