/** Module jobs. */
package app.shoebox.jobs;
