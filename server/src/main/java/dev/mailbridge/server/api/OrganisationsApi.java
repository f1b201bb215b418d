package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Organisation;
import dev.mailbridge.core.store.DuplicateException;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.server.api.ApiModels.OrganisationRequest;
import dev.mailbridge.server.api.ApiModels.OrganisationView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/organisations", produces = "application/json")
@Tag(name = ApiDocs.ORGANISATIONS)
class OrganisationsApi {
    private final MailboxServices services;
    private final Stores stores;

    OrganisationsApi(MailboxServices services) {
        this.services = services;
        this.stores = services.stores();
    }

    @GetMapping
    @Operation(summary = "List organisations")
    List<OrganisationView> list() {
        return stores.organisations().list().stream().map(this::view).toList();
    }

    @PostMapping(consumes = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an organisation")
    OrganisationView create(@RequestBody OrganisationRequest request) {
        return view(services.connections().createOrganisation(request.name(), Actor.current()));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an organisation")
    OrganisationView get(@PathVariable UUID id) {
        return view(find(id));
    }

    @PutMapping(path = "/{id}", consumes = "application/json")
    @Operation(summary = "Rename an organisation")
    OrganisationView rename(@PathVariable UUID id, @RequestBody OrganisationRequest request) {
        Organisation before = find(id);
        if (request.name() == null || request.name().isBlank()) {
            throw ValidationException.of("name", "Give the organisation a name.");
        }
        try {
            stores.organisations().rename(id, request.name().strip());
        } catch (DuplicateException e) {
            throw ValidationException.of(
                    "name", "An organisation called \"" + request.name().strip() + "\" already exists.");
        }
        stores.audit()
                .record(
                        Actor.current(),
                        "organisation.rename",
                        "organisation/" + id,
                        before.name() + " -> " + request.name().strip());
        return view(find(id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete an organisation with its connections and mailboxes")
    void delete(@PathVariable UUID id) {
        services.connections().deleteOrganisation(id, Actor.current());
    }

    private Organisation find(UUID id) {
        return stores.organisations().get(id).orElseThrow(() -> new NotFoundException("organisation", id));
    }

    private OrganisationView view(Organisation o) {
        return OrganisationView.of(o, stores.connections().list(o.id()).size());
    }
}
