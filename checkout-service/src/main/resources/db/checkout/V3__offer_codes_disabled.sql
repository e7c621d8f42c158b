-- An operator can disable a code (DisableOfferCode): no new reservation; sessions holding one keep their price.
ALTER TABLE offer_codes ADD COLUMN disabled boolean NOT NULL DEFAULT false;
