#!/bin/sh
# Lets the desktop know the file types the app opens (its MimeType= list, and Parquet's type).
command -v update-mime-database >/dev/null 2>&1 && update-mime-database /usr/share/mime >/dev/null 2>&1
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications >/dev/null 2>&1
exit 0
