"""`streamlit run app.py` from a checkout: the app itself is audit/ui/app.py (`antipersona app`)."""
from audit.ui.app import main

main()
