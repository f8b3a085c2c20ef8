"""Interbody fusion corridors and disc replacement (lesson 11): models, tables and the chooser view."""
