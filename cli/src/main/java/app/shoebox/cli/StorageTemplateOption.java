package app.shoebox.cli;

import app.shoebox.server.storage.StorageTemplate;
import picocli.CommandLine.Option;

import java.util.Optional;

/** Where originals are laid out: shared by serve and worker, which must agree on it. */
public final class StorageTemplateOption {

    @Option(names = "--storage-template", defaultValue = "${env:SHOEBOX_STORAGE_TEMPLATE:-" + StorageTemplate.DEFAULT + "}",
            description = "Layout of originals in the library, e.g. {year}/{year}-{month}-{day}/{filename}; 'none' leaves "
                    + "them where uploads put them (env SHOEBOX_STORAGE_TEMPLATE, default ${DEFAULT-VALUE}). A worker "
                    + "needs the same value as its server.")
    public String value;

    /** The parsed template; empty for {@code none}. A bad template is an error that names what is wrong. */
    public Optional<StorageTemplate> template() {
        return value == null || value.isBlank() || value.equalsIgnoreCase("none")
                ? Optional.empty() : Optional.of(StorageTemplate.parse(value));
    }
}
