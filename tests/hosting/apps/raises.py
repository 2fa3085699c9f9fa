"""A page that fails: what a visitor of the production server sees of an uncaught error."""

import streamlit as st

st.markdown("Before the error.")
raise ValueError("secret detail 4242 at /srv/private/path")
