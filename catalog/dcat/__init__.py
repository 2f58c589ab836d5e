"""DCAT-AP 3.0.1 output: RDF graphs of datasets and the paged catalogue, and the endpoints serving them."""
