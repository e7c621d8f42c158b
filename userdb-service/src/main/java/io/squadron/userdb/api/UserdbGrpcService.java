package io.squadron.userdb.api;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.CreateUserResponse;
import io.squadron.proto.userdb.v1.DeleteUserRequest;
import io.squadron.proto.userdb.v1.DeleteUserResponse;
import io.squadron.proto.userdb.v1.GetUserByUsernameRequest;
import io.squadron.proto.userdb.v1.GetUserByUsernameResponse;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.GetUserResponse;
import io.squadron.proto.userdb.v1.UpdateUserRequest;
import io.squadron.proto.userdb.v1.UpdateUserResponse;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.proto.userdb.v1.UserdbErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import io.squadron.userdb.account.Account;
import io.squadron.userdb.account.Accounts;
import io.squadron.userdb.account.CreateRequestId;
import io.squadron.userdb.account.RequestIdReusedException;
import io.squadron.userdb.account.VersionConflictException;
import io.squadron.userdb.store.UsernameConflictException;
import io.squadron.userdb.username.UsernameRejectedException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The gRPC handler of {@code squadron.userdb.v1.UserService}: validation and mapping; the work is
 * in {@link Accounts}.
 */
public final class UserdbGrpcService extends UserServiceGrpc.UserServiceImplBase {
  static final int MAX_EMAIL_LENGTH = 254;
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private final Accounts accounts;
  private final Clock clock;

  /** A handler over {@code accounts}; {@code clock} decides which birth dates are in the future. */
  public UserdbGrpcService(Accounts accounts, Clock clock) {
    this.accounts = requireNonNull(accounts, "accounts");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public void createUser(CreateUserRequest request, StreamObserver<CreateUserResponse> response) {
    RpcErrors.InvalidArgumentBuilder violations = RpcErrors.invalidArguments();
    if (request.getUsername().isEmpty()) {
      violations.field("username", "must not be empty");
    }
    emailProblem(request.getEmail()).ifPresent(p -> violations.field("email", p));
    countryProblem(request.getCountry()).ifPresent(p -> violations.field("country", p));
    Optional<LocalDate> birthDate = Optional.empty();
    if (request.hasBirthDate()) {
      try {
        com.google.type.Date d = request.getBirthDate();
        LocalDate date = LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
        if (date.isAfter(LocalDate.now(clock)) || date.getYear() < 1900) {
          violations.field("birth_date", "must be a date between 1900-01-01 and today");
        } else {
          birthDate = Optional.of(date);
        }
      } catch (DateTimeException e) {
        violations.field(
            "birth_date", "is not a valid date (year, month and day are all required)");
      }
    }
    Optional<CreateRequestId> requestId = Optional.empty();
    if (!request.getRequestId().isEmpty()) {
      try {
        requestId =
            Optional.of(
                new CreateRequestId(Caller.current().name(), parseUuid(request.getRequestId())));
      } catch (IllegalArgumentException e) {
        violations.field(
            "request_id", "must be a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)");
      }
    }
    if (!violations.isEmpty()) {
      throw violations.build();
    }
    try {
      Account account =
          accounts.create(
              requestId,
              request.getUsername(),
              request.getEmail(),
              request.getCountry(),
              birthDate);
      reply(response, CreateUserResponse.newBuilder().setUser(toProto(account)).build());
    } catch (UsernameRejectedException e) {
      throw rejected(e);
    } catch (UsernameConflictException e) {
      UserdbErrorReason reason =
          e.kind() == UsernameConflictException.Kind.TAKEN
              ? UserdbErrorReason.USERNAME_TAKEN
              : UserdbErrorReason.CONFUSABLE;
      throw RpcErrors.of(Status.Code.ALREADY_EXISTS, reason, "username: " + e.getMessage());
    } catch (RequestIdReusedException e) {
      throw RpcErrors.of(
          Status.Code.ALREADY_EXISTS, UserdbErrorReason.REQUEST_ID_REUSED, e.getMessage());
    }
  }

  /**
   * A UUID in its canonical text form only ({@link UUID#fromString} also takes shortened forms).
   */
  private static UUID parseUuid(String text) {
    UUID id = UUID.fromString(text);
    if (!id.toString().equalsIgnoreCase(text)) {
      throw new IllegalArgumentException("not canonical");
    }
    return id;
  }

  @Override
  public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
    UUID id = id(request.getId());
    Account account = accounts.get(id).orElseThrow(UserdbGrpcService::notFound);
    reply(response, GetUserResponse.newBuilder().setUser(toProto(account)).build());
  }

  @Override
  public void getUserByUsername(
      GetUserByUsernameRequest request, StreamObserver<GetUserByUsernameResponse> response) {
    if (request.getUsername().isEmpty()) {
      throw RpcErrors.invalidArgument("username", "must not be empty");
    }
    try {
      Account account =
          accounts.getByUsername(request.getUsername()).orElseThrow(UserdbGrpcService::notFound);
      reply(response, GetUserByUsernameResponse.newBuilder().setUser(toProto(account)).build());
    } catch (UsernameRejectedException e) {
      throw rejected(e);
    }
  }

  @Override
  public void updateUser(UpdateUserRequest request, StreamObserver<UpdateUserResponse> response) {
    RpcErrors.InvalidArgumentBuilder violations = RpcErrors.invalidArguments();
    UUID id = null;
    try {
      id = UUID.fromString(request.getId());
    } catch (IllegalArgumentException e) {
      violations.field("id", request.getId().isEmpty() ? "must not be empty" : "must be a UUID");
    }
    if (request.hasEmail()) {
      emailProblem(request.getEmail()).ifPresent(p -> violations.field("email", p));
    }
    if (request.hasCountry()) {
      countryProblem(request.getCountry()).ifPresent(p -> violations.field("country", p));
    }
    if (!request.hasEmail() && !request.hasCountry()) {
      violations.field("email", "set email and/or country");
    }
    if (request.hasExpectedVersion() && request.getExpectedVersion() < 1) {
      violations.field("expected_version", "must be a version the account had (>= 1), or unset");
    }
    if (!violations.isEmpty()) {
      throw violations.build();
    }
    try {
      Account account =
          accounts
              .update(
                  id,
                  request.hasEmail() ? Optional.of(request.getEmail()) : Optional.empty(),
                  request.hasCountry() ? Optional.of(request.getCountry()) : Optional.empty(),
                  request.hasExpectedVersion()
                      ? OptionalLong.of(request.getExpectedVersion())
                      : OptionalLong.empty())
              .orElseThrow(UserdbGrpcService::notFound);
      reply(response, UpdateUserResponse.newBuilder().setUser(toProto(account)).build());
    } catch (VersionConflictException e) {
      throw RpcErrors.of(Status.Code.ABORTED, UserdbErrorReason.VERSION_CONFLICT, e.getMessage());
    }
  }

  @Override
  public void deleteUser(DeleteUserRequest request, StreamObserver<DeleteUserResponse> response) {
    boolean deleted = accounts.delete(id(request.getId()));
    reply(response, DeleteUserResponse.newBuilder().setDeleted(deleted).build());
  }

  private static UUID id(String id) {
    if (id.isEmpty()) {
      throw RpcErrors.invalidArgument("id", "must not be empty");
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw RpcErrors.invalidArgument("id", "must be a UUID");
    }
  }

  static Optional<String> emailProblem(String email) {
    if (email.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (email.length() > MAX_EMAIL_LENGTH) {
      return Optional.of("too long (expected: at most " + MAX_EMAIL_LENGTH + " characters)");
    }
    if (!EMAIL.matcher(email).matches()) {
      return Optional.of("must look like name@example.com");
    }
    return Optional.empty();
  }

  static Optional<String> countryProblem(String country) {
    if (country.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (!COUNTRIES.contains(country)) {
      return Optional.of("must be an ISO 3166-1 alpha-2 code in upper case, e.g. SE");
    }
    return Optional.empty();
  }

  private static RuntimeException rejected(UsernameRejectedException e) {
    com.google.protobuf.ProtocolMessageEnum reason =
        switch (e.reason()) {
          case NOT_STABLE -> UserdbErrorReason.NOT_STABLE;
          case MIXED_SCRIPT -> UserdbErrorReason.MIXED_SCRIPT;
          case DISALLOWED_CHARACTERS -> UserdbErrorReason.DISALLOWED_CHARACTERS;
          case LENGTH -> ErrorReason.INVALID_FIELD;
        };
    return RpcErrors.of(
        Status.Code.INVALID_ARGUMENT,
        reason,
        "username: " + e.getMessage(),
        com.google.rpc.BadRequest.newBuilder()
            .addFieldViolations(
                com.google.rpc.BadRequest.FieldViolation.newBuilder()
                    .setField("username")
                    .setDescription(e.getMessage()))
            .build());
  }

  private static RuntimeException notFound() {
    return RpcErrors.of(Status.Code.NOT_FOUND, UserdbErrorReason.USER_NOT_FOUND, "no such user");
  }

  static User toProto(Account a) {
    User.Builder user =
        User.newBuilder()
            .setId(a.id().toString())
            .setUsername(a.username())
            .setCanonicalUsername(a.canonicalUsername())
            .setEmail(a.email())
            .setCountry(a.country())
            .setVersion(a.version());
    a.birthDate()
        .ifPresent(
            d ->
                user.setBirthDate(
                    com.google.type.Date.newBuilder()
                        .setYear(d.getYear())
                        .setMonth(d.getMonthValue())
                        .setDay(d.getDayOfMonth())));
    return user.build();
  }

  private static <T> void reply(StreamObserver<T> observer, T message) {
    observer.onNext(message);
    observer.onCompleted();
  }
}
