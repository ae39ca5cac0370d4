"""Needs analysis and the fund's long-term aim, from open municipal statistics.

Open figures (Kolada, or entered as CSV where there is no network) are stored
with their source, fetch time and licence; the needs-analysis page compares the
organisation with the country and a group of similar municipalities and prices
each gap with the engine (:func:`socialinvest.engine.gap.price_of_gap`); a fund's
aim indicators show progress year by year next to the investments aimed at them.
"""
