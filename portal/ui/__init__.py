"""What every portal page uses: language, outage page, staff session, small widgets."""
