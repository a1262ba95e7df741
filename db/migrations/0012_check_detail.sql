-- What a check saw beyond its status, for the kinds that see more: a DNS check's answer ("A 192.0.2.1, …"), so
-- the site page can show what the name resolved to. Null for every other check, which costs a null per row.
ALTER TABLE checks ADD COLUMN detail TEXT;
