"""The light or dark theme the browser asked for, and what follows from it."""
import streamlit as st


def dark() -> bool:
    try:
        return (st.context.theme or {}).get("type") == "dark"
    except Exception:  # no browser context (AppTest): the light theme
        return False


def emphasis() -> str:
    """The button type for the one main action on a page. In the dark theme no blue can carry both
    white button text (needs a dark blue, ≥ 4.5:1) and blue text on the dark background (sliders,
    selected segments: needs a light blue, ≥ 4.5:1), so the dark theme keeps its readable light blue
    and marks the main action with an outlined button instead of a filled one."""
    return "secondary" if dark() else "primary"
