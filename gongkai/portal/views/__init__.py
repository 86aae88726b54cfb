"""The public portal's pages, one module per part of the site: the home page, the standard catalog,
the government information disclosure column, search, and the accessibility switch."""
