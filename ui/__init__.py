"""Streamlit-side helpers shared by the pages: state and persistence glue, question widgets, charts."""
