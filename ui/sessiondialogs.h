#pragma once

#include <QDateTime>
#include <QDialog>
#include <QWidget>

#include "consolecontext.h"
#include "store/records.h"

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace Maskline {

class MessageBanner;

// "Expires at" for a session: off (no date_expiry) or a local date and time, shown and sent as UTC.
class ExpiryEdit final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExpiryEdit)

public:
    explicit ExpiryEdit(QWidget *parent = nullptr);
    // Invalid: no date_expiry.
    QDateTime value() const;
    void setValue(const QDateTime &utc);
    QCheckBox *enabledBox() const { return m_on; }
    QDateTimeEdit *dateTimeEdit() const { return m_at; }

private:
    QCheckBox *m_on = nullptr;
    QDateTimeEdit *m_at = nullptr;
};

// Changes a session's TTL and date_expiry (Session update: only what changed is sent).
class EditSessionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EditSessionDialog)

public:
    EditSessionDialog(const ConsoleContext &context, const Session &session, QWidget *parent = nullptr);
    QSpinBox *ttlBox() const { return m_ttl; }
    ExpiryEdit *expiryEdit() const { return m_expiry; }
    MessageBanner *banner() const { return m_banner; }
    QPushButton *saveButton() const;
    const Session &updated() const { return m_updated; }

public Q_SLOTS:
    void accept() override;

private:
    ConsoleContext m_ctx;
    Session m_session;
    Session m_updated;
    QSpinBox *m_ttl = nullptr;
    ExpiryEdit *m_expiry = nullptr;
    MessageBanner *m_banner = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

// Sends a message to one participant from their proxy number (a MessageInteraction, reference §3.6).
class SendMessageDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SendMessageDialog)

public:
    SendMessageDialog(const ConsoleContext &context, const Session &session, const QList<Participant> &participants,
                      const QString &participantSid, QWidget *parent = nullptr);
    QComboBox *participantCombo() const { return m_participant; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QLineEdit *mediaEdit() const { return m_media; }
    MessageBanner *banner() const { return m_banner; }
    QPushButton *sendButton() const;
    const Interaction &sent() const { return m_sent; }

public Q_SLOTS:
    void accept() override;

private:
    ConsoleContext m_ctx;
    Session m_session;
    Interaction m_sent;
    QComboBox *m_participant = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QLineEdit *m_media = nullptr;
    MessageBanner *m_banner = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

// The account's routing flags: allow_participant_conflict and respect_sms_stop_filter (with the SMS STOP filter
// itself), each explained, and what the FailOnParticipantConflict box of Add participant does under each.
class AccountSettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccountSettingsDialog)

public:
    explicit AccountSettingsDialog(const ConsoleContext &context, QWidget *parent = nullptr);
    QCheckBox *allowConflictBox() const { return m_allowConflict; }
    QCheckBox *respectStopBox() const { return m_respectStop; }
    QCheckBox *stopFilteringBox() const { return m_stopFiltering; }
    QLabel *conflictExplanation() const { return m_conflictHelp; }
    QLabel *stopExplanation() const { return m_stopHelp; }
    MessageBanner *banner() const { return m_banner; }
    QPushButton *saveButton() const;
    bool isLoaded() const { return m_loaded; }
    const Account &saved() const { return m_saved; }

    // What FailOnParticipantConflict does with allow_participant_conflict on or off.
    static QString conflictText(bool allowConflict);
    static QString stopText(bool respectFilter, bool filtering);

public Q_SLOTS:
    void accept() override;

private:
    void load(const Account &account);
    void updateExplanations();

    ConsoleContext m_ctx;
    Account m_loadedAccount;
    Account m_saved;
    QCheckBox *m_allowConflict = nullptr;
    QCheckBox *m_respectStop = nullptr;
    QCheckBox *m_stopFiltering = nullptr;
    QLabel *m_conflictHelp = nullptr;
    QLabel *m_stopHelp = nullptr;
    MessageBanner *m_banner = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_loaded = false;
    bool m_busy = false;
};

} // namespace Maskline
