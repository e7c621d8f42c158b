/**
 * What is on sale: plans, their prices per country and device, each country's currency, tax rule
 * and forms.
 */
package io.squadron.checkout.catalog;
