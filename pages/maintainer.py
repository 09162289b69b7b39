"""Maintainer: item statistics from real answers, with plots (only with a maintainer token)."""
import streamlit as st

from ui import maintainer_view as view
from ui import state

state.sync_with_url(__file__)
if not view.unlocked():
    st.stop()
state.bank()  # a malformed bank stops here with a page naming file, item and field
view.show()
