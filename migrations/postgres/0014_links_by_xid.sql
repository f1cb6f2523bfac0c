-- Landing pages find a link by its xid alone (the page's path names no account).
CREATE INDEX offer_channels_by_xid ON offer_channels (xid);
