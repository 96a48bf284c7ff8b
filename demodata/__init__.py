"""A synthetic agency's extract, the same bytes for the same seed (`statboard demo-data`): the demo and the tests'
data. Imports nothing of Statboard's; only the command line and the tests import it.
"""
