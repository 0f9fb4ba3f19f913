"""Load benchmark of the storefront and CMS pages: ``python -m bench --help``."""
