"""The year's nomination list and the printed dossier."""
