"""The floor for bench/load.py: a one-button Streamlit app. Each click is one script run that
draws a heading, a button and a line of text, the least a Streamlit page can do per interaction.
"""
import streamlit as st

st.title("One button")
if st.button("Click", key="click"):
    st.write("clicked")
