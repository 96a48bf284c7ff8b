"""The extract loader: reads an extract (CSV or Parquet, the data contract of docs/data-contract.md), validates
every rule before anything is written, computes every indicator's cells (measures) and publishes the lot as a new
data version, atomically (queries/dialects).

Below the app store and above the warehouse's queries (it writes what they read): it may import queries, measures,
access and display, never the app store (the CLI hands it the versions open meetings keep) nor anything on screen.
"""
