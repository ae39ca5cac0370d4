"""Lossless exchange of a whole fund (``socialinvest export`` / ``socialinvest import``) and the
outcome contracts in GO Lab's INDIGO data standard's structure.

A page/API-layer package: it reads every app below it and writes their rows on import.
"""
