"""The catalogue: datasets, distributions, licences and vocabularies, search and interoperability."""
