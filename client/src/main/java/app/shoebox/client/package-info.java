/** Module client. */
package app.shoebox.client;
