"""The workbench: a local web page over a case (``overheard serve``), every page with a JSON twin.

``app.create_app`` builds the application, ``api`` holds the routes, ``queries`` what each
page shows, ``markup`` how a text is cut into marked pieces, ``cli`` the ``serve`` command.
"""
