"""`streamlit run app.py` from a checkout: the app itself is audit/ui/app.py (`antipersona app`).

From this folder Streamlit reads .streamlit/config.toml, which keeps the server on 127.0.0.1.
``python app.py`` starts it through ``antipersona app`` (loopback unless --address is given).
"""
import sys

from streamlit import runtime

if runtime.exists():  # under `streamlit run`: draw the page
    from audit.ui.app import main

    main()
elif __name__ == "__main__":
    from audit.cli import main as cli

    sys.argv = ["antipersona", "app", *sys.argv[1:]]
    cli()
