#pragma once

#include <QTimer>
#include <QWidget>

#include "consolecontext.h"
#include "debugger/debugger.h"
#include "store/records.h"

class QAction;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSplitter;
class QTabWidget;
class QTableView;

namespace Maskline {

class DebuggerLogModel;
class InteractionModel;
class MessageBanner;
class ParticipantModel;
class ServiceCombo;
class SessionModel;
struct SessionFilter;

// Sessions: SQL filters (service, status, unique name or SID, participant identifier, proxy number, creation date),
// status at a glance, TTL countdown and date_expiry; close, re-open, delete; a detail panel with the selected
// session's participants (add automatic or pinned, remove) and its interactions as a live timeline.
class SessionsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsPane)

public:
    explicit SessionsPane(const ConsoleContext &context, QWidget *parent = nullptr);

    SessionModel *model() const { return m_model; }
    ParticipantModel *participants() const { return m_participants; }
    InteractionModel *interactions() const { return m_interactions; }
    // The selected session's refused and dropped traffic (its debugger events): what never became an interaction.
    DebuggerLogModel *refusals() const { return m_refusals; }
    QTableView *refusalView() const { return m_refusalView; }
    QTabWidget *detailTabs() const { return m_tabs; }
    // Live debugger events: those naming the selected session go to its refusals list.
    void handleDebuggerEvent(const Maskline::DebuggerEvent &event);
    QTableView *view() const { return m_view; }
    QTableView *participantView() const { return m_participantView; }
    QTableView *interactionView() const { return m_interactionView; }
    QComboBox *statusCombo() const { return m_status; }
    QLineEdit *textFilter() const { return m_text; }
    QLineEdit *identifierFilter() const { return m_identifier; }
    QLineEdit *proxyNumberFilter() const { return m_proxyNumber; }
    ServiceCombo *serviceCombo() const { return m_service; }
    MessageBanner *banner() const { return m_banner; }
    MessageBanner *participantBanner() const { return m_participantBanner; }
    QLabel *details() const { return m_details; }
    QLabel *mapping() const { return m_mapping; }
    QLabel *summary() const { return m_summary; }
    QString selectedSid() const;
    const Session *selectedSession() const;
    // The pane's commands: the buttons and the Sessions menu share them, so both are enabled exactly alike.
    QAction *newSessionAction() const { return m_newAction; }
    QAction *closeAction() const { return m_closeAction; }
    QAction *reopenAction() const { return m_reopenAction; }
    QAction *deleteAction() const { return m_deleteAction; }
    QAction *addParticipantAction() const { return m_addParticipantAction; }
    QAction *removeParticipantAction() const { return m_removeParticipantAction; }
    QAction *editAction() const { return m_editAction; }
    QAction *sendMessageAction() const { return m_sendAction; }
    QAction *deleteInteractionAction() const { return m_deleteInteractionAction; }
    QPushButton *closeButton() const { return m_close; }
    QPushButton *removeParticipantButton() const { return m_removeParticipant; }
    // The first-run checklist shown instead of the empty table while the store has no session at all.
    QLabel *firstRunGuide() const { return m_firstRun; }

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);
    // Applies the filter widgets now (they otherwise wait for typing to pause).
    void applyFilters();

public Q_SLOTS:
    void setAccountSid(const QString &accountSid);
    void jumpToSession(const QString &sessionSid);
    void showHolders(const QString &serviceSid, const QString &numberSid, const QString &number);
    // The sessions a participant's number is in (all services, any status).
    void showSessionsOf(const QString &identifier);
    // Selects a participant of the shown session (on the Participants tab) once its list has loaded.
    void showParticipant(const QString &participantSid);
    void selectSession(const QString &sid);
    void newSession();
    void closeSelected();
    void reopenSelected();
    void deleteSelected();
    void addParticipant();
    void removeParticipant();
    void editSelected();
    void sendMessage();
    void deleteInteraction();
    void clearFilters();
    void focusFilter();

Q_SIGNALS:
    // A first-run checklist link: "service", "numbers", "simulator" or "demo".
    void firstRunStepRequested(const QString &step);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void handleCurrentChanged();
    void updateDetails();
    void updateMapping();
    void updateSummary();
    void setStatus(const QString &status);
    void showContextMenu(const QPoint &pos);
    void updateFirstRun();
    void updateRefusalsTab();
    void selectPendingParticipant();
    // sessionactions.cpp: TTL and expiry, send a message as a participant, delete an interaction.
    void createMoreActions(QHBoxLayout *sessionButtons, QHBoxLayout *participantButtons);
    void updateMoreActions(const Session *s);
    QAction *makeAction(const QString &text, void (SessionsPane::*slot)(), QPushButton *button);

    ConsoleContext m_ctx;
    SessionModel *m_model = nullptr;
    ParticipantModel *m_participants = nullptr;
    InteractionModel *m_interactions = nullptr;
    DebuggerLogModel *m_refusals = nullptr;
    QTableView *m_refusalView = nullptr;
    QString m_accountSid;

    ServiceCombo *m_service = nullptr;
    QComboBox *m_status = nullptr;
    QLineEdit *m_text = nullptr;
    QLineEdit *m_identifier = nullptr;
    QLineEdit *m_proxyNumber = nullptr;
    QCheckBox *m_dated = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QTimer m_debounce;

    QTableView *m_view = nullptr;
    QLabel *m_summary = nullptr;
    MessageBanner *m_banner = nullptr;
    QSplitter *m_splitter = nullptr;
    QSplitter *m_detailSplitter = nullptr;
    QLabel *m_details = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_participantView = nullptr;
    QLabel *m_mapping = nullptr;
    MessageBanner *m_participantBanner = nullptr;
    QTableView *m_interactionView = nullptr;
    QPushButton *m_close = nullptr;
    QPushButton *m_reopen = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_addParticipant = nullptr;
    QPushButton *m_removeParticipant = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_closeAction = nullptr;
    QAction *m_reopenAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_addParticipantAction = nullptr;
    QAction *m_removeParticipantAction = nullptr;
    QAction *m_editAction = nullptr;
    QAction *m_sendAction = nullptr;
    QAction *m_deleteInteractionAction = nullptr;
    QLabel *m_firstRun = nullptr;
    QString m_pendingSelect;
    QString m_pendingParticipant;
};

} // namespace Maskline
