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


# The chips of a multiselect are filled with the primary colour and lettered in white. Streamlit has
# no setting for the chip text, and white on the dark theme's light blue is 2.3:1; near-black on it
# is 8:1 (WCAG AA asks 4.5:1). Our own fixed CSS, no user text in it.
_DARK_CHIPS = """<style>
[data-testid="stMultiSelectTagsContainer"] [data-tag],
[data-testid="stMultiSelectTagsContainer"] [data-tag] * { color: #0E1117 !important; }
</style>"""


def apply() -> None:
    """What the theme settings cannot say, for every page (app.py calls it once per run):
    readable multiselect chips in the dark theme."""
    if dark():
        st.html(_DARK_CHIPS)
